import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ENTERPRISE_USER_ROLES, errorText, USER_ROLES, type UserRecord, type UserRole } from '../api';
import { useAuth } from '../auth';
import { CODE_TRIGGERS, codeRules } from '../codes';
import { passwordRules } from '../components/passwordRule';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { EnterpriseCode, useEnterpriseNames } from '../enterprises';
import { formatTime } from '../i18n';

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

/** A random password that meets the usual policy (letters, digits, a symbol). */
function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = new Uint8Array(14);
  crypto.getRandomValues(bytes);
  const body = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return `${body}#7a`;
}

interface CreateValues {
  username: string;
  displayName: string;
  role: UserRole;
  enterpriseUscc?: string;
  password: string;
}

function CreateUserModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch('role', form);
  const enterpriseRole = !!role && (ENTERPRISE_USER_ROLES as readonly string[]).includes(role);

  useEffect(() => {
    if (open) {
      form.resetFields();
      errors.clear();
    }
  }, [open, form, errors.clear]);

  const submit = async (v: CreateValues) => {
    setBusy(true);
    errors.clear();
    try {
      await api.users.create({
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        role: v.role,
        password: v.password,
        ...(enterpriseRole && v.enterpriseUscc ? { enterpriseUscc: v.enterpriseUscc.trim().toUpperCase() } : {}),
      });
      message.success(t('users.created'));
      onDone();
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('users.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      width={520}
    >
      {errors.alert}
      <Form form={form} layout="vertical" onFinish={submit} name="user" initialValues={{ role: 'customs' }}>
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('users.username') }) }]}
        >
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('users.displayName') }) },
          ]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
          <Select options={USER_ROLES.map((r) => ({ value: r, label: `${t(`role.${r}`)} (${r})` }))} />
        </Form.Item>
        {enterpriseRole && (
          <Form.Item
            name="enterpriseUscc"
            label={t('users.enterpriseUscc')}
            extra={t('users.enterpriseUsccHint')}
            normalize={(v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v)}
            validateFirst
            validateTrigger={CODE_TRIGGERS}
            rules={[
              { required: true, whitespace: true, message: t('common.required', { field: t('users.enterpriseUscc') }) },
              ...codeRules('uscc'),
            ]}
          >
            <Input maxLength={18} style={mono} />
          </Form.Item>
        )}
        <Form.Item label={t('users.password')} required extra={t('password.rule')}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="password" noStyle rules={passwordRules(t, t('users.password'))}>
              <Input maxLength={128} autoComplete="off" spellCheck={false} style={mono} />
            </Form.Item>
            <Button onClick={() => form.setFieldsValue({ password: generatePassword() })}>{t('users.generate')}</Button>
          </Space.Compact>
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: UserRecord | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (user) {
      form.resetFields();
      errors.clear();
    }
  }, [user, form, errors.clear]);

  const submit = async (v: { password: string }) => {
    if (!user) return;
    setBusy(true);
    try {
      await api.users.resetPassword(user.id, v.password);
      message.success(t('users.resetDone'));
      onClose();
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={user !== null}
      title={`${t('users.resetPassword')} · ${user?.username ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {errors.alert}
      <Form form={form} layout="vertical" onFinish={submit} name="reset">
        <Form.Item label={t('users.newPassword')} required extra={t('password.rule')}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="password" noStyle rules={passwordRules(t, t('users.newPassword'))}>
              <Input maxLength={128} autoComplete="off" spellCheck={false} style={mono} />
            </Form.Item>
            <Button onClick={() => form.setFieldsValue({ password: generatePassword() })}>{t('users.generate')}</Button>
          </Space.Compact>
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function AdminUsers() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const [filter, setFilter] = useState('');
  const [roleFilter, setRoleFilter] = useState<UserRole | undefined>();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserRecord | null>(null);

  const list = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: () => api.users.list().then((items) => ({ items })),
  });
  const { items, loading, error, reload: load } = list;

  const setStatus = async (u: UserRecord, status: 'active' | 'disabled') => {
    try {
      await api.users.setStatus(u.id, status);
      message.success(t('users.statusChanged'));
      void load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const nameOf = useEnterpriseNames(items.map((u) => u.enterpriseUscc));
  const enterpriseWords = (u: UserRecord) => {
    const n = nameOf(u.enterpriseUscc);
    return `${u.enterpriseUscc ?? ''} ${n?.nameCn ?? ''} ${n?.nameEn ?? ''}`.toLowerCase();
  };

  const f = filter.trim().toLowerCase();
  const shown = items.filter(
    (u) =>
      (!roleFilter || u.role === roleFilter) &&
      (!f ||
        u.username.toLowerCase().includes(f) ||
        u.displayName.toLowerCase().includes(f) ||
        enterpriseWords(u).includes(f)),
  );

  return (
    <div>
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 16, gap: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('users.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('users.create')}
        </Button>
      </div>
      <Card variant="borderless">
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 280 }}
            placeholder={t('users.filter')}
            onChange={(e) => setFilter(e.target.value)}
          />
          <Select<UserRole>
            allowClear
            style={{ width: 200 }}
            placeholder={t('users.role')}
            value={roleFilter}
            onChange={(v) => setRoleFilter(v)}
            options={USER_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
        </Space>
        {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
        <Table<UserRecord>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={shown}
          pagination={{ pageSize: 20, showTotal: (n) => t('common.total', { count: n }), hideOnSinglePage: true }}
          columns={[
            {
              title: t('users.username'),
              dataIndex: 'username',
              render: (v: string, u) => (
                <div>
                  <div style={{ fontWeight: 500 }}>{u.displayName}</div>
                  <div style={{ ...mono, color: '#8a94a6', fontSize: 12 }}>{v}</div>
                </div>
              ),
            },
            {
              title: `${t('users.role')} / ${t('users.enterprise')}`,
              dataIndex: 'role',
              width: 280,
              render: (r: UserRole, u) => (
                <div>
                  <div>{t(`role.${r}`)}</div>
                  {u.enterpriseUscc && (
                    <div style={{ fontSize: 12, marginTop: 2 }}>
                      <EnterpriseCode code={u.enterpriseUscc} />
                    </div>
                  )}
                </div>
              ),
            },
            {
              title: t('users.status'),
              dataIndex: 'status',
              width: 100,
              render: (s: UserRecord['status']) =>
                s === 'active' ? (
                  <Badge status="success" text={t('users.active')} />
                ) : (
                  <Badge status="default" text={t('users.disabled')} />
                ),
            },
            {
              title: t('users.lastLoginAt'),
              dataIndex: 'lastLoginAt',
              width: 160,
              render: (v: string | null) => formatTime(v, lang),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 170,
              render: (_: unknown, u) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setResetting(u)}>
                    {t('users.resetPassword')}
                  </Button>
                  {u.id === me?.id ? null : u.status === 'active' ? (
                    <Popconfirm
                      title={t('users.disableConfirm', { name: u.username })}
                      onConfirm={() => setStatus(u, 'disabled')}
                      okButtonProps={{ danger: true }}
                      okText={t('users.disable')}
                      cancelText={t('common.cancel')}
                    >
                      <Button type="link" size="small" danger>
                        {t('users.disable')}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button type="link" size="small" onClick={() => setStatus(u, 'active')}>
                      {t('users.enable')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <CreateUserModal
        open={creating}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          void load();
        }}
      />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </div>
  );
}
