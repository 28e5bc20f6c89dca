from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="committees", model="calendaroverride")
    perm, _ = Permission.objects.get_or_create(
        content_type=ct,
        codename="delete_calendaroverride",
        defaults={"name": "Can delete calendar override"},
    )
    Group.objects.get(name="admin").permissions.add(perm)


class Migration(migrations.Migration):
    """Committee administrators correct holiday entries, so they may delete them."""

    dependencies = [("members", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
