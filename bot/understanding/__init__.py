"""From a normalised message to one catalogue intent with a calibrated confidence."""
