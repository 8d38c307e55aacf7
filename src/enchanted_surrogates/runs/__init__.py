"""What describes one run: the task a worker gets, the result and status it returns,
the errors a runner raises, the secrets it may read and what it used."""
