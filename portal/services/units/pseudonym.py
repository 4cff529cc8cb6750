"""The pseudonymous key of a person who first arrives by email address.

Analytics carry this key, never the address: it is an HMAC-SHA256 of the normalised address under a
secret held in configuration, so the same person always gets the same key and the key reveals nothing
to anyone without the secret (a plain hash of an address could be reversed by hashing a staff list).
"""

import hashlib
import hmac

KEY_LENGTH = 16  # hex characters kept: 64 bits, ample for an organisation's staff without collisions


def normalise_email(email: str) -> str:
    """The address as compared everywhere: surrounding spaces dropped and lower case."""
    return email.strip().lower()


def key_for_email(email: str, secret: str) -> str:
    """The person's pseudonymous key for this address under this secret."""
    if not secret:
        raise ValueError("The pseudonym secret is empty: set RAPPORT_PSEUDONYM_KEY.")
    digest = hmac.new(secret.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:KEY_LENGTH]}"
