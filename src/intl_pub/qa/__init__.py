"""Quality checks of translations: rule checks, risk, verification against the English."""
