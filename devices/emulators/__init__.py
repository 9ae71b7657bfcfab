"""Stand-ins for the hall's hardware, for tests and for installers without the devices.

Each emulator is a protocol `Handler` (bytes in, reply bytes out, what it understood
kept for inspection) attached to a `TcpPeer` or a `SerialPeer`; each module runs on its
own with `python -m devices.emulators.<name> --help`.
"""
