from django.db import migrations

ROLES = ["member", "collective", "staff", "unit", "supervisor", "admin"]
# Administrators maintain reference data in the Django admin.
ADMIN_MODELS = {
    "committees": [
        "committee", "sector", "organization", "handlingunit", "session", "topic",
        "ruleset", "calendaroverride",
    ],
    "members": ["user", "member"],
}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    admin = Group.objects.get(name="admin")
    for app_label, models in ADMIN_MODELS.items():
        for model in models:
            ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for action in ("add", "change", "view"):
                perm, _ = Permission.objects.get_or_create(
                    content_type=ct,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                admin.permissions.add(perm)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("committees", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
