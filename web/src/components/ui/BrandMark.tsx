import { Group, Text } from '@mantine/core';

/** The KubeChart mark: a hexagon (the cluster) around a node, drawn in the primary colour. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--mantine-primary-color-filled)" />
      <path
        d="M16 6l8.66 5v10L16 26l-8.66-5V11z"
        fill="none"
        stroke="#fff"
        strokeWidth="2.2"
        strokeLinejoin="round"
      />
      <circle cx="16" cy="16" r="3.2" fill="#fff" />
    </svg>
  );
}

/** The mark with the product name, as shown in the header and above the sign-in card. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <Group gap={10} wrap="nowrap">
      <BrandMark size={size} />
      <Text component="span" fw={750} fz={size * 0.7} lh={1} style={{ letterSpacing: '-0.02em' }}>
        KubeChart
      </Text>
    </Group>
  );
}
