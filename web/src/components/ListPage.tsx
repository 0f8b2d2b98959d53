import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Space, Typography } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from './serverErrors';

/**
 * The frame of a list page: the title with the page's buttons and 刷新, the introduction, then a card holding the
 * filters, the error of the last fetch and the table. The drawer and modals go in `after`.
 */
export function ListPage({
  title,
  intro,
  actions,
  onRefresh,
  filters,
  error,
  onErrorClose,
  children,
  after,
  style,
  cardBody,
}: {
  title: ReactNode;
  intro?: ReactNode;
  /** Buttons before 刷新. */
  actions?: ReactNode;
  onRefresh?: () => void;
  /** The filter controls, in a wrapping row above the table. */
  filters?: ReactNode;
  error?: unknown;
  onErrorClose?: () => void;
  children: ReactNode;
  after?: ReactNode;
  style?: CSSProperties;
  /** The card's body style (default: paddingBottom 8). */
  cardBody?: CSSProperties;
}) {
  const { t } = useTranslation();
  return (
    <div style={style}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {title}
        </Typography.Title>
        {actions}
        {onRefresh && (
          <Button icon={<ReloadOutlined />} onClick={onRefresh}>
            {t('common.refresh')}
          </Button>
        )}
      </div>
      {intro && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          {intro}
        </Typography.Paragraph>
      )}
      <Card variant="borderless" styles={{ body: cardBody ?? { paddingBottom: 8 } }}>
        {filters && (
          <Space wrap size={12} style={{ marginBottom: 16 }}>
            {filters}
          </Space>
        )}
        <LoadError error={error} onClose={onErrorClose} />
        {children}
      </Card>
      {after}
    </div>
  );
}
