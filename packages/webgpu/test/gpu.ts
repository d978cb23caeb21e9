/**
 * A real WebGPU implementation for the tests: Dawn from the `webgpu` npm package. Without a GPU,
 * Dawn needs a software Vulkan driver: SwiftShader, shipped by Debian's `chromium` (plus the
 * loader `libvulkan1`); we point Vulkan at it here so a plain `npm test` finds it.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
// SwiftShader's window-system probe complains on every device without one (harmless noise)
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'adapool-xdg-'));

export interface Probe {
  gpu?: GPU;
  /** Why there is no adapter (undefined when there is one). */
  missing?: string;
  adapterInfo?: string;
}

const INSTALL = 'apt-get install -y chromium libvulkan1 (SwiftShader + Vulkan loader), then VK_ICD_FILENAMES is set automatically';

let probed: Promise<Probe> | undefined;
export function probeGpu(): Promise<Probe> {
  probed ??= (async () => {
    let webgpu: typeof import('webgpu');
    try {
      webgpu = await import('webgpu');
    } catch (e) {
      return { missing: `the 'webgpu' npm package (Dawn) cannot be loaded: ${(e as Error).message}` };
    }
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      const icd = existsSync(SWIFTSHADER_ICD) ? '' : `; ${SWIFTSHADER_ICD} is missing`;
      return { missing: `Dawn found no WebGPU adapter (no Vulkan driver${icd}): ${INSTALL}` };
    }
    const info = adapter.info;
    return { gpu, adapterInfo: `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.trim() };
  })();
  return probed;
}
