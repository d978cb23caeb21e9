import { defineParitySuite } from '@adapool/testkit/vitest';
import { parityCases } from '@adapool/testkit';
import { expect, it } from 'vitest';

it('the parity suite has at least 300 cases', () => {
  expect(parityCases.length).toBeGreaterThanOrEqual(300);
  expect(new Set(parityCases.map((c) => c.id)).size).toBe(parityCases.length);
});

defineParitySuite({ backend: 'js' });
