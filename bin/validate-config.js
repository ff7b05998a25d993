#!/usr/bin/env node
// Package bin: runs the TypeScript sources through tsx, so an install needs no build step.
import { register } from 'tsx/esm/api';

register();
process.argv.splice(2, 0, 'validate-config');
await import('../src/bin.ts');
