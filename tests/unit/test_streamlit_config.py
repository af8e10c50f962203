"""The Streamlit configuration shipped with the workbook keeps the server local and private."""

import tomllib

from conftest import ROOT


def test_streamlit_config_is_secure():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    assert set(config["server"]["allowedHosts"]) <= {"localhost", "127.0.0.1"}
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["client"]["toolbarMode"] == "minimal" and config["client"]["showErrorDetails"] == "none"
