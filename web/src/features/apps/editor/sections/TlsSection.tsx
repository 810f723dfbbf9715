import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../api/appspec';
import { useClusterStatus } from '../../../../api/clusters';
import type { Picker } from '../../../../api/types';
import { SelectField, TextField } from '../../../../components/form/fields';
import { ChoiceListField, SuggestField } from '../../../../components/form/ListFields';
import { ItemCard } from './ItemCard';

type CertificateValues = { name?: string; issuer?: { kind?: string } };

/** The hosts the app's Ingresses and HTTPRoutes serve: the names a certificate usually covers. */
function useAppHosts(): string[] {
  const [ingresses, httpRoutes] = useWatch({ name: ['ingresses', 'httpRoutes'] }) as [AppSpec['ingresses'], AppSpec['httpRoutes']];
  const hosts = new Set<string>();
  for (const ingress of ingresses ?? []) for (const rule of ingress.rules ?? []) if (rule.host) hosts.add(rule.host);
  for (const route of httpRoutes ?? []) for (const hostname of route.hostnames ?? []) if (hostname) hosts.add(hostname);
  return [...hosts];
}

/** What the issuer picker says when it has nothing to offer. */
function issuerHint(clusterId: string | null, picker: Picker | undefined, kind: string): string {
  if (picker?.reason) return picker.reason;
  if (!clusterId) return 'Pick the cluster in Basics to choose from its issuers.';
  return kind === 'Issuer' ? 'An Issuer in the application’s namespace.' : 'A ClusterIssuer of the cluster.';
}

export function TlsSection({ clusterId }: { clusterId: string | null }) {
  const { control } = useFormContext<AppSpec>();
  const certificates = useFieldArray({ control, name: 'certificates' });
  const values = useWatch({ name: 'certificates' }) as CertificateValues[] | undefined;
  const namespace = (useWatch({ name: 'namespace' }) as string | undefined) || 'default';
  const pickers = useClusterStatus(clusterId).data?.pickers;
  const hosts = useAppHosts();
  const issuersOf = (kind: string) => (kind === 'Issuer' ? pickers?.issuers : pickers?.clusterIssuers);
  const choicesOf = (kind: string) =>
    (issuersOf(kind)?.items ?? [])
      // An Issuer only serves Certificates in its own namespace.
      .filter((item) => kind !== 'Issuer' || item.namespace === namespace)
      .map((item) => item.name);

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Certificates are issued by cert-manager into a TLS secret; an Ingress or HTTPRoute of this application names
        the certificate to serve it.
      </Text>
      {certificates.fields.map((certificate, index) => {
        const base = `certificates.${index}`;
        const name = values?.[index]?.name ?? '';
        const kind = values?.[index]?.issuer?.kind ?? 'ClusterIssuer';
        return (
          <ItemCard
            key={certificate.id}
            title={`Certificate ${name}`}
            removeLabel={`Remove certificate ${name || index + 1}`}
            onRemove={() => certificates.remove(index)}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`${base}.name`} label="Certificate name" required monospace />
              <TextField
                name={`${base}.secretName`}
                label="Secret name"
                optional
                monospace
                placeholder={name ? `${name}-tls` : '<name>-tls'}
                description="Where the key pair is stored."
              />
            </SimpleGrid>
            <ChoiceListField
              name={`${base}.dnsNames`}
              label="DNS names"
              data={hosts}
              placeholder="shop.example.com"
              description="Defaults to the hosts of the Ingresses and HTTPRoutes that use this certificate."
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <SelectField
                name={`${base}.issuer.kind`}
                label="Issuer kind"
                data={[
                  { value: 'ClusterIssuer', label: 'ClusterIssuer' },
                  { value: 'Issuer', label: 'Issuer (namespaced)' },
                ]}
                placeholder="ClusterIssuer"
              />
              <SuggestField
                name={`${base}.issuer.name`}
                label="Issuer"
                required
                data={choicesOf(kind)}
                placeholder="letsencrypt-prod"
                description={issuerHint(clusterId, issuersOf(kind), kind)}
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField
                name={`${base}.duration`}
                label="Duration"
                optional
                monospace
                placeholder="2160h"
                description="How long the certificate is valid; cert-manager’s default is 90 days."
              />
              <TextField
                name={`${base}.renewBefore`}
                label="Renew before"
                optional
                monospace
                placeholder="360h"
                description="How long before expiry it is renewed."
              />
            </SimpleGrid>
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() =>
            certificates.append({
              name: `cert-${certificates.fields.length + 1}`,
              issuer: { kind: 'ClusterIssuer', name: pickers?.clusterIssuers.items[0]?.name ?? '' },
            })
          }
        >
          Add certificate
        </Button>
      </Group>
    </Stack>
  );
}
