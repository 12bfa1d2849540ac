 editable, so fixtures/ beside the package is found at run time
FROM python:3.11-slim
 editable, so fixtures/ beside the package is found at run time

 editable, so fixtures/ beside the package is found at run time
ENV PYTHONDONTWRITEBYTECODE=1 \
 editable, so fixtures/ beside the package is found at run time
    PYTHONUNBUFFERED=1 \
 editable, so fixtures/ beside the package is found at run time
    SANDBOX_HOST=0.0.0.0 \
 editable, so fixtures/ beside the package is found at run time
    SANDBOX_PORT=6011 \
 editable, so fixtures/ beside the package is found at run time
    SANDBOX_DATA_DIR=/data \
 editable, so fixtures/ beside the package is found at run time
    SANDBOX_LOG_FORMAT=json
 editable, so fixtures/ beside the package is found at run time

 editable, so fixtures/ beside the package is found at run time
WORKDIR /app
 editable, so fixtures/ beside the package is found at run time
COPY pyproject.toml README.md ./
 editable, so fixtures/ beside the package is found at run time
COPY simulator ./simulator
 editable, so fixtures/ beside the package is found at run time
COPY fixtures ./fixtures
 editable, so fixtures/ beside the package is found at run time
# editable, so fixtures/ beside the package is found at run time
 editable, so fixtures/ beside the package is found at run time
RUN pip install --no-cache-dir -e '.[fast]' \
 editable, so fixtures/ beside the package is found at run time
    && useradd --create-home --uid 10001 sandbox \
 editable, so fixtures/ beside the package is found at run time
    && mkdir -p /data && chown sandbox /data
 editable, so fixtures/ beside the package is found at run time

 editable, so fixtures/ beside the package is found at run time
USER sandbox
 editable, so fixtures/ beside the package is found at run time
VOLUME ["/data"]
 editable, so fixtures/ beside the package is found at run time
EXPOSE 6011
 editable, so fixtures/ beside the package is found at run time
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
 editable, so fixtures/ beside the package is found at run time
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:6011/_status?simple=1', timeout=2).status == 200 else 1)"
 editable, so fixtures/ beside the package is found at run time
CMD ["notify-sandbox", "serve"]
