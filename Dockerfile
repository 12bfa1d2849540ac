# Stage 1: build the wheel (the same script the packaging test runs).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY simulator ./simulator
COPY packaging ./packaging
RUN sh packaging/build-wheel.sh /src /wheels

# Stage 2: only the installed wheel, non-editable, no checkout and no build tools.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SANDBOX_HOST=0.0.0.0 \
    SANDBOX_PORT=6011 \
    SANDBOX_DATA_DIR=/data \
    SANDBOX_LOG_FORMAT=json

COPY --from=build /wheels /wheels
COPY packaging/install-wheel.sh /tmp/install-wheel.sh
RUN sh /tmp/install-wheel.sh /wheels \
    && pip uninstall --yes --quiet setuptools wheel \
    && rm -rf /wheels /tmp/install-wheel.sh \
    && useradd --create-home --uid 10001 sandbox \
    && mkdir -p /data && chown sandbox /data

USER sandbox
WORKDIR /home/sandbox
VOLUME ["/data"]
EXPOSE 6011
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:6011/_status?simple=1', timeout=2).status == 200 else 1)"
CMD ["notify-sandbox", "serve"]
