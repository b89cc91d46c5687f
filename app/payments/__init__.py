"""Payments: the one door to Stripe (``app.payments.gateway``) and its domain errors."""
