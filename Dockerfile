# Cloud Run image for the sheets_bridge service.
# Built in two stages: the first installs (pip, wheels, byte-compiles every module), the second carries only
# the installed packages, so a cold start reads bytecode and no build tool is in the running image.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sheets_bridge ./sheets_bridge
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --compile . \
    && /opt/venv/bin/python -m compileall -q /opt/venv/lib \
    && /opt/venv/bin/pip uninstall -y pip setuptools

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8080 PATH=/opt/venv/bin:$PATH
COPY --from=build /opt/venv /opt/venv
RUN useradd --create-home --uid 10001 bridge
USER bridge
EXPOSE 8080
CMD ["sh", "-c", "exec sheets-bridge serve --host 0.0.0.0 --port ${PORT}"]
