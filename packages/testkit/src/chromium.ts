/**
 * Headless Chromium for the browser tests: Debian's `chromium` (installed by `.ci/run`, never a
 * downloaded build), driven by playwright-core, with WebGPU on SwiftShader.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_HEADLESS_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM_WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];

/** Why a playwright-driven Chromium cannot run here, or undefined when it can. */
export async function missingChromium(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} is missing (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  try {
    await import('playwright-core');
  } catch (e) {
    return `playwright-core cannot be loaded: ${(e as Error).message}`;
  }
  return undefined;
}
