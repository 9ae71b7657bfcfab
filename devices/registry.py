"""Protocol names, as written in the agent config, to the driver that speaks each.

Every driver class takes `connection` plus the keyword options it lists in `OPTIONS`
(name → `Option`); the config checks those before anything is opened.
"""

from devices.protocols.escpos_ticket import EscposPrinter
from devices.protocols.gat467 import Gat467Reader
from devices.protocols.keypad485 import Keypad485Bus
from devices.protocols.onbon_bx import OnbonScreen
from devices.protocols.strip485 import Strip485Screen

PRINTERS = {"escpos": EscposPrinter}
SCREENS = {"onbon-bx": OnbonScreen, "strip485": Strip485Screen}
KEYPADS = {"keypad485": Keypad485Bus}
CARD_READERS = {"gat467": Gat467Reader}
