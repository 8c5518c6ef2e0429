def load(stdout=None) -> None:
    pass
