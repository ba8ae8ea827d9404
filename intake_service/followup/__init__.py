"""What comes back to the citizen after intake: identity (e-mail confirmation, OpenID Connect),
notices by e-mail, deadlines, clarification, the citizen's verdict and repeat appeals, routing to
the competent body, and answers from the agencies' own systems."""
