"""Demo data: a school year for one school (`school`), the Russian names it draws from (`names`), and a town of
schools for the lab (`town`)."""
