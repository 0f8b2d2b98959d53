import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseRole, FilingStatus } from '../api';
import { useLabel } from '../i18n';

const COLORS: Record<FilingStatus, string> = {
  submitted: 'processing',
  change_requested: 'purple',
  approved: 'success',
  rejected: 'error',
  suspended: 'warning',
  revoked: 'default',
};

export function StatusTag({ status }: { status: FilingStatus }) {
  const label = useLabel();
  return (
    <Tag color={COLORS[status] ?? 'default'} data-status={status} style={{ marginInlineEnd: 0 }}>
      {label('status', status)}
    </Tag>
  );
}

export function RoleTags({ roles }: { roles: readonly EnterpriseRole[] }) {
  const { t } = useTranslation();
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      {roles.map((r) => (
        <Tag key={r} bordered={false} color="blue" style={{ marginInlineEnd: 0 }}>
          {t(`entRole.${r}`)}
        </Tag>
      ))}
    </span>
  );
}
