"""One module per wire protocol: a pure codec (bytes in, values out) and the driver built on it."""
