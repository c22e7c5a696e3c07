# Cloud Run image for the sheets_bridge service.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8080
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sheets_bridge ./sheets_bridge
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 bridge
USER bridge
EXPOSE 8080
CMD ["sh", "-c", "exec sheets-bridge serve --host 0.0.0.0 --port ${PORT}"]
