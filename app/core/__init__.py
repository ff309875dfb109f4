"""Domain objects and services. No Qt import anywhere below here."""
