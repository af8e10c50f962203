"""The vault: the data folder encrypted at rest with a key unlocked by the passphrase (issue 23).

A library of the storage layer, with no Streamlit and no knowledge of cases:
:mod:`.keys` (the key file and the data key), :mod:`.recovery_code`, :mod:`.records`
(one sealed file per write), :mod:`.chunks` (films in authenticated chunks, read at any
offset) and :mod:`.session` (the unlocked key in memory, dropped by the lock).
See ``docs/vault.md`` for the formats. Nothing is imported here, so that importing one
module of the package does not load the others.
"""
