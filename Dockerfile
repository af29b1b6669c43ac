FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY innovacoop/ innovacoop/
COPY core/ core/
COPY members/ members/
COPY networks/ networks/
COPY funding/ funding/
COPY partnerships/ partnerships/
COPY startups/ startups/
RUN pip install --no-cache-dir -e .
COPY . .
# collectstatic needs settings but no secrets of the deployment.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only DEBUG=true python manage.py compilemessages --ignore=.venv
RUN useradd --create-home portal && mkdir -p var && chown -R portal var
USER portal
EXPOSE 8000
CMD ["gunicorn", "innovacoop.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
