// Checks a view as issue #17 asks, in light and dark: axe-core finds nothing, and at 800, 1280 and
// 1920 px nothing scrolls sideways; a screenshot of each lands in e2e-artifacts/screenshots/ (kept by CI).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repo } from './support';

export const artifacts = join(repo, 'e2e-artifacts', 'screenshots');
const widths = [800, 1280, 1920] as const;
const schemes = ['light', 'dark'] as const;

async function settle(page: Page): Promise<void> {
  // Let colour transitions finish, or the picture (and axe's colours) mix both themes.
  await page.waitForTimeout(250);
}

/** axe-core's rules (with label-content-name-mismatch, experimental in 4.x, turned on) over the page as it is. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim() ?? v.help}`));
}

/** axe-core over the part of the page `selector` finds (a dialog, a panel): no violations. */
export async function expectAccessible(page: Page, selector: string): Promise<void> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The view now on screen, in both themes at every width: no axe violation, no sideways scroll, screenshots saved. */
export async function checkView(page: Page, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  const start = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of widths) {
      await page.setViewportSize({ width, height: 800 });
      await settle(page);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      expect.soft(scrollWidth, `${name} at ${width} px (${scheme}) scrolls sideways`).toBeLessThanOrEqual(clientWidth);
      await page.screenshot({ path: join(artifacts, `${name}-${width}-${scheme}.png`) });
      // axe in both themes at 1280 px, and at 800 px, where the toolbar folds, in light.
      if (width === 1280 || (width === 800 && scheme === 'light')) expect.soft(await axeViolations(page), `axe on ${name} (${scheme})`).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(start);
}
