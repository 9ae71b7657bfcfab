"""Hall hardware: ticket printers, LED screens, RS-485 keypads and ID card readers.

Pure protocol codecs and drivers live in `devices.protocols`, the emulators used by the
tests and by installers in `devices.emulators`, and the `hall agent` process that ties
them to the hall server in `devices.agent`.
"""
