/** Small zod schemas shared by the configuration model. */
import { z } from 'zod';
import { quantityProblem } from '../core/quantity';
import { kubernetesVersionProblem } from '../core/upstream/kubernetes-versions';

export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label (a-z, 0-9, "-", starting and ending alphanumeric)');
export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a lowercase DNS subdomain (e.g. "sandbox.example.com")');
/**
 * A Kubernetes quantity ≥ 0, checked with the same exact parser the constructs use (../dra/cel-quantity), so the
 * config file and the constructs accept the same values (`100n`, `1u`, `1e3`, `1.5Gi`…) and say the same.
 */
export const quantity = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  const problem = quantityProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export const labelMap = z.record(z.string(), z.string());
/** A Kubernetes version the pinned schemas cover (1.34 … 1.36 for the pins 1.34.0 and 1.36.0). */
export const kubernetesVersion = z
  .string()
  .regex(/^v?1\.\d+(\.\d+)?$/, 'must be a Kubernetes version like "1.36" or "1.34.2"')
  .superRefine((value, ctx) => {
    if (!/^v?1\.\d+(\.\d+)?$/.test(value)) return; // the pattern's problem
    const problem = kubernetesVersionProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const toleration = z
  .object({
    key: z.string().optional(),
    operator: z.enum(['Equal', 'Exists']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

