"""Numbers only: numpy and pandas, nothing above."""
