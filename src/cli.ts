#!/usr/bin/env -S node --max-old-space-size=1024 --max-semi-space-size=8 --heap-growing-percent=30
import 'reflect-metadata';
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv.slice(2));
