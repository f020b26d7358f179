"""The one owner of the work folder: every path, read and write, manifests, identities."""
