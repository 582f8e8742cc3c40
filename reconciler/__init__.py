"""baton-sf: a declarative reconciler for the Baton and Salesforce integration."""

__version__ = "0.1.0"
