"""The production files under deploy/: systemd units name commands that exist and parse, the
nginx site parses (`nginx -t` when nginx is installed, a structural check otherwise) and has
the TLS/HSTS/body-size/static/proxy-header settings the hardening checklist relies on."""

import configparser
import importlib.util
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
SECTIONS = {"Unit", "Service", "Install", "Timer"}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def test_every_unit_parses_and_names_only_known_sections():
    assert {p.name for p in UNITS} >= {"bdcdj-web.service", "bdcdj-worker.service", "bdcdj-relay.service"}
    for path in [*UNITS, *sorted((DEPLOY / "systemd").glob("*.timer"))]:
        parsed = unit(path)
        assert set(parsed.sections()) <= SECTIONS and "Unit" in parsed, path.name
        if path.suffix == ".timer":
            assert (DEPLOY / "systemd" / path.name.replace(".timer", ".service")).exists()


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_exec_start_runs_a_command_or_module_that_exists(path):
    service = unit(path)["Service"]
    assert service["EnvironmentFile"] == "/etc/bdcdj/bdcdj.env" and service["User"] == "bdcdj"
    assert service.get("NoNewPrivileges") == "yes"
    for key in ("ExecStart", "ExecStartPre"):
        if key not in service:
            continue
        argv = shlex.split(service[key])
        assert argv[0] == "/opt/bdcdj/.venv/bin/python", argv
        if argv[1] == "manage.py":
            assert argv[2] in get_commands(), f"{path.name}: manage.py {argv[2]} does not exist"
        else:
            assert argv[1] == "-m" and importlib.util.find_spec(argv[2]) is not None, argv
            for arg in argv[3:]:
                if arg.startswith("/opt/bdcdj/"):
                    assert (DEPLOY.parent / arg.removeprefix("/opt/bdcdj/")).exists(), arg


def test_gunicorn_config_loads_and_marks_dead_workers(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    spec = importlib.util.spec_from_file_location("gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    assert spec and spec.loader
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.wsgi_app == "bdcdj.wsgi:application" and conf.bind.startswith("127.0.0.1:")
    conf.on_starting(None)
    assert (tmp_path / "metrics").is_dir()
    conf.child_exit(None, type("W", (), {"pid": 999999})())


def test_the_env_template_names_only_settings_that_exist_and_holds_no_secret():
    source = (Path(settings.BASE_DIR) / "bdcdj" / "settings.py").read_text()
    source += (Path(settings.BASE_DIR) / "bdcdj" / "core" / "env.py").read_text()
    for line in (DEPLOY / "env" / "bdcdj.env.example").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        assert name in source or name in {
            "DJANGO_SETTINGS_MODULE",
            "PROMETHEUS_MULTIPROC_DIR",
            "BDCDJ_BIND",
            "BDCDJ_WEB_WORKERS",
        }, name
        if re.search(r"KEY|TOKEN|SECRET", name):
            assert value == "", f"{name} must be empty in the template"


def nginx_structure(text: str) -> list[str]:
    """Directives outside comments, checking braces balance and every simple one ends in ';'."""
    depth, problems, directives = 0, [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("add_header") else raw.strip()
        if not line:
            continue
        directives.append(line)
        depth += line.count("{") - line.count("}")
        if depth < 0:
            problems.append(f"line {number}: unbalanced }}")
        if not line.endswith(("{", "}", ";")):
            problems.append(f"line {number}: missing ;")
    if depth:
        problems.append("unbalanced braces")
    assert not problems, problems
    return directives


def test_nginx_site_has_tls_hsts_limits_static_and_proxy_headers(tmp_path):
    site = (DEPLOY / "nginx" / "bdcdj.conf").read_text()
    headers = (DEPLOY / "nginx" / "proxy-headers.conf").read_text()
    text = " ".join(nginx_structure(site))
    nginx_structure(headers)
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    assert 'Strict-Transport-Security "max-age=31536000' in text
    assert "client_max_body_size 25m;" in text and "location /static/" in text
    assert "location = /metrics" in text and "deny all;" in text
    for header in (
        "X-Forwarded-Proto $scheme",
        "X-Forwarded-For",
        "X-Real-IP $remote_addr",
        "X-Request-ID $request_id",
    ):
        assert f"proxy_set_header {header}" in headers
    nginx = shutil.which("nginx")
    if nginx is None:
        return  # structural check only (nginx not installed)
    run_nginx_t(nginx, site, headers, tmp_path)


def run_nginx_t(nginx: str, site: str, headers: str, tmp: Path) -> None:
    """`nginx -t` on the real site file with throw-away certificate and paths."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bdc.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp / "proxy.conf").write_text(headers)
    (tmp / "logs").mkdir()
    site = (
        site.replace("/etc/bdcdj/tls/", f"{tmp}/")
        .replace("/etc/bdcdj/nginx-proxy-headers.conf", f"{tmp}/proxy.conf")
        .replace("/var/log/nginx/", f"{tmp}/logs/")
        .replace("ssl_stapling on;", "ssl_stapling off;")
    )
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/logs/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp};\n proxy_temp_path {tmp};\n"
        f" fastcgi_temp_path {tmp};\n uwsgi_temp_path {tmp};\n scgi_temp_path {tmp};\n"
        f" include {tmp}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
