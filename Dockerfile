# Portable on Google Cloud Run: `gcloud run deploy --source .` from the repository root builds this file.
# It publishes src/Gcp (the Cloud Run host) as a Native AOT executable and runs it as a non-root user.
# Note: the development machine has no Docker engine, so this file is not built there; tests/Gcp.Tests
# checks its essentials statically and verifies the same `dotnet publish` command natively.
# See deploy/gcp/README.md.

# Build: the .NET SDK plus what Native AOT links with (clang, zlib).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends clang zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Project files first, so the restore layer is reused while only source changes.
COPY global.json .editorconfig Directory.Build.props Directory.Packages.props BannedSymbols.txt ./
COPY src/Core/Portable.Core.csproj src/Core/
COPY src/Hosting/Portable.Hosting.csproj src/Hosting/
COPY src/Gcp/Portable.Gcp.csproj src/Gcp/
RUN dotnet restore src/Gcp -r linux-x64 -p:PublishAot=true
COPY src/Core/ src/Core/
COPY src/Hosting/ src/Hosting/
COPY src/Gcp/ src/Gcp/
RUN dotnet publish src/Gcp -c Release -r linux-x64 -p:PublishAot=true --no-restore -o /app \
    && rm -f /app/*.dbg /app/*.pdb /app/*.xml

# Run: no .NET runtime needed, only the native dependencies (same Ubuntu as the build stage, so glibc matches).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app/Portable.Gcp ./
# Cloud Run injects PORT (default 8080); the image's ASPNETCORE_HTTP_PORTS is cleared because the host binds $PORT itself.
ENV PORT=8080 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 8080
# The chiseled images ship the non-root user `app` (uid 1654, $APP_UID).
USER 1654
ENTRYPOINT ["/app/Portable.Gcp"]
