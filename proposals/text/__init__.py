"""Text intelligence over proposals: the terms that describe a proposal (``features``),
their inverted index and training (``index``), similar proposals (``similar``), merge
suggestions (``merge_queue``) and suggested handling units and category (``routing``).

Everything runs offline on the proposals' own words: jieba's dictionary ships in its
package, the model is the corpus's document frequencies and the units' profiles, kept
in the database and retrained by ``manage.py train_text_model`` and a nightly task.
"""
