#!/bin/sh
# The demo's scaling hook (scaling.backend: command): a real deployment would run terraform or
# a cloud CLI here with the target count. It only records the request.
echo "demo: asked to scale to $1 replicas"
echo "$1" > "${RAMPART_DEMO_DIR:-/tmp}/replicas"
