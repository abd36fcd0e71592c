"""ipassist: technical assistance in intellectual-property enforcement."""
