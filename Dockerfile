# The cibgraph API as an image: the same wheel that tests/test_wheel.py builds and installs
# outside the checkout, so what the test verifies is what the image runs.
FROM python:3.11-slim AS build
# npm fetches the API pages' assets (GraphiQL, Swagger UI, ReDoc) into the package, as
# `make install` does, so the image's pages work offline.
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && python -m cibgraph.api.pages fetch \
    && pip wheel --no-deps --wheel-dir /dist .

FROM python:3.11-slim
COPY --from=build /dist /dist
RUN pip install --no-cache-dir /dist/*.whl && rm -rf /dist
RUN useradd --create-home cibgraph
USER cibgraph
WORKDIR /home/cibgraph
EXPOSE 8000
CMD ["cibgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
