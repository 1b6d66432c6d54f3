import { SandboxNamespace } from '../../../constructs/tenant/sandbox-namespace';
import { findObject, newChart, synthObjects } from '../../support/synth';

function egress(rules: ConstructorParameters<typeof SandboxNamespace>[2]['egressAllowlist']) {
  const chart = newChart();
  new SandboxNamespace(chart, 'Ns', { name: 'team', egressAllowlist: rules });
  return findObject(synthObjects(chart), 'NetworkPolicy', 'allow-egress').spec.egress;
}

describe('egress allowlist except', () => {
  test('own excepts come first, the metadata endpoints are always kept', () => {
    expect(egress([{ cidrs: ['0.0.0.0/0', '::/0'], except: ['10.0.0.0/8', 'fd00::/8'], ports: [{ port: 443 }] }])[0].to).toStrictEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32', '169.254.170.23/32', '168.63.129.16/32'] } },
      { ipBlock: { cidr: '::/0', except: ['fd00::/8', 'fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128'] } },
    ]);
  });

  test('an except outside every cidr, or not a CIDR, is an error naming the rule', () => {
    const chart = newChart();
    expect(
      () => new SandboxNamespace(chart, 'Ns', { name: 'team', egressAllowlist: [{ cidrs: ['203.0.113.0/24'], except: ['198.51.100.0/24', '10.0.0.1/8'] }] }),
    ).toThrow(/egressAllowlist\[0\]\.except\[0\]: "198\.51\.100\.0\/24" is not strictly inside any of the rule's cidrs \(203\.0\.113\.0\/24\)[\s\S]*egressAllowlist\[0\]\.except\[1\]: /);
  });
});
