"""Labs and UX tests (S1.2) at /labore: sessions of a real-world lab or UX test, sign-up with
waiting list, tasks, findings with severity and System Usability Scale answers (``sus.py``:
scoring after Brooke 1996, mean with t-distribution confidence interval). The operations are
in ``lab_service.py`` beside this package."""
