"""The words every stage uses: the model, errors, settings, locales, atomic files."""
