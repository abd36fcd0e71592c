"""One router per app; ``ipassist.api.api`` mounts them."""
