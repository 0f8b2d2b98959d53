import {
  AccountBookOutlined,
  ApiOutlined,
  AuditOutlined,
  CloudUploadOutlined,
  ContainerOutlined,
  DatabaseOutlined,
  DownOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  GlobalOutlined,
  IdcardOutlined,
  InboxOutlined,
  KeyOutlined,
  LockOutlined,
  LogoutOutlined,
  MonitorOutlined,
  NotificationOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  ShareAltOutlined,
  SolutionOutlined,
  TableOutlined,
  TeamOutlined,
  UserOutlined,
  VerifiedOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Layout, Menu, type MenuProps, Segmented, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { isEnterpriseUser, isOfficer, type Me } from '../api';
import { useAuth } from '../auth';
import { type Lang, setLang } from '../i18n';

const { Header, Sider, Content, Footer } = Layout;

function Logo() {
  return (
    <svg width="30" height="30" viewBox="0 0 64 64" aria-hidden="true">
      <rect width="64" height="64" rx="14" fill="#ffffff" fillOpacity="0.14" />
      <path d="M12 42c10-17 30-17 40 0" stroke="#ffffff" strokeWidth="6" fill="none" strokeLinecap="round" />
      <path d="M20 48h24" stroke="#ffffff" strokeOpacity="0.6" strokeWidth="4" strokeLinecap="round" />
      <circle cx="32" cy="21" r="7" fill="#f6c343" />
    </svg>
  );
}

export function LanguageSwitch({ dark }: { dark?: boolean }) {
  const { i18n } = useTranslation();
  const value: Lang = i18n.language === 'en' ? 'en' : 'zh';
  return (
    <Segmented<Lang>
      size="small"
      value={value}
      onChange={(v) => setLang(v)}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
      style={dark ? { background: 'rgba(255,255,255,0.16)', color: '#fff' } : undefined}
      className={dark ? 'lang-switch-dark' : undefined}
      aria-label="language"
    />
  );
}

function menuItems(me: Me, t: (k: never) => string): MenuProps['items'] {
  const tr = t as unknown as (k: string) => string;
  const items: MenuProps['items'] = [];
  if (isEnterpriseUser(me.role)) {
    items.push(
      { key: '/portal', icon: <FileProtectOutlined />, label: <Link to="/portal">{tr('nav.portal')}</Link> },
      {
        key: '/portal/messages',
        icon: <DatabaseOutlined />,
        label: <Link to="/portal/messages">{tr('nav.messages')}</Link>,
      },
      {
        key: '/portal/upload',
        icon: <CloudUploadOutlined />,
        label: <Link to="/portal/upload">{tr('nav.upload')}</Link>,
      },
    );
    items.push(
      {
        key: '/portal/clearance',
        icon: <ContainerOutlined />,
        label: <Link to="/portal/clearance">{tr('nav.clearance')}</Link>,
      },
      { key: '/portal/tax', icon: <AccountBookOutlined />, label: <Link to="/portal/tax">{tr('nav.taxBills')}</Link> },
      { key: '/portal/quota', icon: <SafetyOutlined />, label: <Link to="/portal/quota">{tr('nav.quota')}</Link> },
      { key: '/portal/stock', icon: <InboxOutlined />, label: <Link to="/portal/stock">{tr('nav.stock')}</Link> },
      {
        key: '/portal/delegations',
        icon: <ShareAltOutlined />,
        label: <Link to="/portal/delegations">{tr('nav.delegations')}</Link>,
      },
      {
        key: '/portal/overseas-warehouses',
        icon: <GlobalOutlined />,
        label: <Link to="/portal/overseas-warehouses">{tr('nav.warehouses')}</Link>,
      },
    );
    if (me.role === 'enterprise_admin') {
      items.push(
        {
          key: '/portal/webhooks',
          icon: <NotificationOutlined />,
          label: <Link to="/portal/webhooks">{tr('nav.webhooks')}</Link>,
        },
        {
          key: '/portal/certificates',
          icon: <SafetyCertificateOutlined />,
          label: <Link to="/portal/certificates">{tr('nav.certificates')}</Link>,
        },
      );
    }
    items.push(
      { key: '/portal/api-keys', icon: <KeyOutlined />, label: <Link to="/portal/api-keys">{tr('nav.apiKeys')}</Link> },
      {
        key: 'api-docs',
        icon: <ApiOutlined />,
        label: (
          <a href="/docs" target="_blank" rel="noreferrer" data-testid="nav-api-docs">
            {tr('nav.apiDocs')}
          </a>
        ),
      },
    );
  }
  if (isOfficer(me.role) || me.role === 'platform_admin') {
    items.push({ key: '/console', icon: <SolutionOutlined />, label: <Link to="/console">{tr('nav.console')}</Link> });
    if (me.role === 'customs') {
      items.push({
        key: '/console/review',
        icon: <FileSearchOutlined />,
        label: <Link to="/console/review">{tr('nav.review')}</Link>,
      });
      items.push({
        key: '/console/certificates',
        icon: <FileDoneOutlined />,
        label: <Link to="/console/certificates">{tr('nav.certReview')}</Link>,
      });
    }
    items.push(
      {
        key: '/console/clearance',
        icon: <ContainerOutlined />,
        label: <Link to="/console/clearance">{tr('nav.clearance')}</Link>,
      },
      { key: '/console/stock', icon: <InboxOutlined />, label: <Link to="/console/stock">{tr('nav.stock')}</Link> },
      {
        key: '/console/overseas-warehouses',
        icon: <GlobalOutlined />,
        label: <Link to="/console/overseas-warehouses">{tr('nav.consoleWarehouses')}</Link>,
      },
    );
    if (me.role === 'customs' || me.role === 'platform_admin') {
      items.push({
        key: '/console/messages',
        icon: <MonitorOutlined />,
        label: <Link to="/console/messages">{tr('nav.monitor')}</Link>,
      });
      items.push({
        key: '/console/tables',
        icon: <TableOutlined />,
        label: <Link to="/console/tables">{tr('nav.tables')}</Link>,
      });
    }
    items.push({
      key: '/console/credit',
      icon: <IdcardOutlined />,
      label: <Link to="/console/credit">{tr('nav.credit')}</Link>,
    });
    items.push({
      key: '/console/audit',
      icon: <AuditOutlined />,
      label: <Link to="/console/audit">{tr('nav.audit')}</Link>,
    });
  }
  if (me.role === 'platform_admin') {
    items.push({
      key: '/admin/users',
      icon: <TeamOutlined />,
      label: <Link to="/admin/users">{tr('nav.users')}</Link>,
    });
    items.push({
      key: '/admin/trust',
      icon: <VerifiedOutlined />,
      label: <Link to="/admin/trust">{tr('nav.trustStore')}</Link>,
    });
  }
  items.push({
    key: '/account/password',
    icon: <LockOutlined />,
    label: <Link to="/account/password">{tr('nav.password')}</Link>,
  });
  return items;
}

const WORKSPACE = /^\/(portal|console|admin|account)(\/|$)/;

export function AppLayout() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const inWorkspace = !!me && WORKSPACE.test(location.pathname);

  const userMenu: MenuProps = {
    items: [
      { key: 'password', icon: <LockOutlined />, label: t('common.changePassword') },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: t('common.logout') },
    ],
    onClick: async ({ key }) => {
      if (key === 'password') navigate('/account/password');
      if (key === 'logout') {
        await logout();
        navigate('/');
      }
    },
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 16,
          paddingInline: 24,
          background: 'linear-gradient(90deg, #0b3266 0%, #15519b 100%)',
          position: 'sticky',
          top: 0,
          zIndex: 20,
          boxShadow: '0 1px 8px rgba(0,0,0,0.18)',
        }}
      >
        <Link to="/" style={{ display: 'flex', alignItems: 'center', gap: 10, minWidth: 0, flex: 1 }}>
          <Logo />
          <Typography.Text
            strong
            ellipsis
            style={{ color: '#fff', fontSize: 17, letterSpacing: '0.02em' }}
            data-testid="platform-name"
          >
            {t('app.name')}
          </Typography.Text>
        </Link>
        <Space size={16} align="center">
          <LanguageSwitch dark />
          {me ? (
            <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
              <Button type="text" style={{ color: '#fff', paddingInline: 8 }} data-testid="user-menu">
                <Space size={8}>
                  <Avatar size="small" icon={<UserOutlined />} style={{ background: '#f6c343', color: '#0b3266' }} />
                  <span>{me.displayName || me.username}</span>
                  <span style={{ opacity: 0.7, fontSize: 12 }}>{t(`role.${me.role}`)}</span>
                  <DownOutlined style={{ fontSize: 10 }} />
                </Space>
              </Button>
            </Dropdown>
          ) : (
            location.pathname !== '/login' && (
              <Link to="/login">
                <Button ghost size="small">
                  {t('common.login')}
                </Button>
              </Link>
            )
          )}
        </Space>
      </Header>
      <Layout>
        {inWorkspace && me && (
          <Sider
            width={208}
            breakpoint="lg"
            collapsedWidth={0}
            theme="light"
            style={{ borderRight: '1px solid #e8ebf0' }}
          >
            <Menu
              mode="inline"
              selectedKeys={[location.pathname]}
              items={menuItems(me, t as never)}
              style={{ borderInlineEnd: 'none', paddingTop: 8 }}
            />
          </Sider>
        )}
        <Layout>
          <Content style={{ padding: inWorkspace ? 24 : 0, minWidth: 0 }}>
            <Outlet />
          </Content>
          <Footer style={{ textAlign: 'center', color: '#8a94a6', fontSize: 12, padding: '16px 24px' }}>
            {t('app.footer')}
          </Footer>
        </Layout>
      </Layout>
    </Layout>
  );
}
