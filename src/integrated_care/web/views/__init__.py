"""Page data for the web UI, built from the services so route handlers stay thin."""
