"""`python -m devices.agent --server URL --token TOKEN --config FILE`, the same as `hall agent`."""

import argparse
import sys

from devices.agent import main

parser = argparse.ArgumentParser(prog="python -m devices.agent", description=__doc__)
parser.add_argument("--server", required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--config", required=True)
args = parser.parse_args()
sys.exit(main(args.server, args.token, args.config))
