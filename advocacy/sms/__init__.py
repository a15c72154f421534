"""Text messages: numbers (``numbers``), the gateways that carry them
(``backends``: Kannel, Twilio, or files under var/sms-outbox/ for
development), and what subscribers' phones send back."""
