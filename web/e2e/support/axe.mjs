// Accessibility check with axe-core: the scenarios fail on any violation of serious or critical impact.
import AxeBuilder from '@axe-core/playwright';

export async function seriousViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}
