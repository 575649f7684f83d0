/**
 * `node --import tsx --import ./services-demo/shared/telemetry-preload.ts <service>`: starts
 * the OTel SDK before the service imports node:http or pg (see telemetry.ts).
 */
import { startTelemetry } from "./telemetry";

startTelemetry();
