"""A local emulator of the OpenRouter management API (see README.md beside this file).

It imports nothing from the rest of ``openrouter_iac``: it is written from the official spec, so
a wrong assumption in orctl's client is not copied into the fake the client is tested against.

Public API::

    Emulator(state=None, *, faults=None, clock=None, id_seed=None)   the core; .transport()
    EmbeddedEmulator(state_path)                                     context manager, --emulator mode
    start_server(emulator, host="127.0.0.1", port=0) -> ServerHandle loopback HTTP in a thread
    FaultConfig, FaultRule                                           fault injection
    emulator_from_seed(seed), load_seed_file(path), apply_seed(...)  seed files
"""

from openrouter_iac.emulator.app import IN_PROCESS_BASE_URL, Emulator
from openrouter_iac.emulator.embedded import DEFAULT_STATE_PATH, EmbeddedEmulator, EmulatorBusyError
from openrouter_iac.emulator.faults import FaultConfig, FaultConfigError, FaultRule
from openrouter_iac.emulator.seed import SeedError, apply_seed, emulator_from_seed, load_seed_file
from openrouter_iac.emulator.server import NonLoopbackError, ServerHandle, start_server
from openrouter_iac.emulator.state import State, StateFileError
from openrouter_iac.emulator.transport import EmulatorTransport

__all__ = [
    "DEFAULT_STATE_PATH",
    "IN_PROCESS_BASE_URL",
    "EmbeddedEmulator",
    "Emulator",
    "EmulatorBusyError",
    "EmulatorTransport",
    "FaultConfig",
    "FaultConfigError",
    "FaultRule",
    "NonLoopbackError",
    "SeedError",
    "ServerHandle",
    "State",
    "StateFileError",
    "apply_seed",
    "emulator_from_seed",
    "load_seed_file",
    "start_server",
]
