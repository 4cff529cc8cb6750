"""What Rapport tells people: the success review, the CIO's monthly report and its archive, the digests."""
